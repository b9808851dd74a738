"""Published figures to read ours against, each with its source.

Our figures come from synthetic minutiae, not from fingerprints: they say whether the
code works and how fast it is, not how accurate Limes would be on real captures. The
anchors below say what the same algorithms, and the best systems, reach on real data.
Where the search of stored public pages done for this bench (issue 16) returned the
document but not its table, the anchor names the table to read rather than a figure
remembered: a figure printed here is one that was read in the source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Anchor:
    what: str
    measured: str
    source: str


ANCHORS = (
    Anchor(
        "MCC (Minutia Cylinder-Code) and NBIS Bozorth3, verification",
        "EER of MCC beside Bozorth3 and other local minutiae structures on FVC2006 "
        "DB1-DB4 (minutiae of one extractor for all): the paper's tables",
        "R. Cappelli, M. Ferrara, D. Maltoni, Minutia Cylinder-Code: a new representation "
        "and matching technique for fingerprint recognition, IEEE TPAMI 32(12), 2010, "
        "pp. 2128-2141, doi:10.1109/TPAMI.2010.52",
    ),
    Anchor(
        "MCC with locality-sensitive hashing, 1:N indexing",
        "error rate against penetration rate on FVC2000 DB2/DB3, FVC2002 DB1, NIST DB4 "
        "and DB14, beside 15 earlier indexing methods: the paper's figures",
        "R. Cappelli, M. Ferrara, D. Maltoni, Fingerprint indexing based on Minutia "
        "Cylinder-Code, IEEE TPAMI 33(5), 2011, pp. 1051-1057",
    ),
    Anchor(
        "FVC2002 / FVC2004 protocol (the data sets the anchors above use)",
        "2,800 genuine and 4,950 impostor comparisons a database; EER, FMR100, FMR1000, ZeroFMR",
        "bias.csr.unibo.it/fvc2002/perfeval.asp (the FVC2002 performance evaluation)",
    ),
    Anchor(
        "NIST FpVTE 2012, best systems 1:N",
        "FNIR at FPIR 0.1 %: single index fingers against 100,000 subjects, two index "
        "fingers against 1.6 M, identification flats against 3 M, ten-finger rolled and "
        "plain against 5 M, about a third of the probes mated: NISTIR 8034's summary",
        "C. Watson et al., Fingerprint Vendor Technology Evaluation, NISTIR 8034, "
        "December 2014, doi:10.6028/NIST.IR.8034",
    ),
    Anchor(
        "NIST FRIF TE 1:N (the continuing evaluation, FpVTE 2012 sets)",
        "the same classes (A: index fingers, 100,000 and 1.6 M subjects; B: "
        "identification flats, 3 M; C: ten fingers, 5 M) per submitted algorithm",
        "pages.nist.gov/frifte/e1n/ (results per algorithm, e.g. fpvte-2012class-c.html)",
    ),
)


def print_anchors() -> None:
    print("\nPublished anchors (read ours beside them; ours are on synthetic minutiae):")
    for anchor in ANCHORS:
        print(f"  {anchor.what}\n    {anchor.measured}\n    source: {anchor.source}")
