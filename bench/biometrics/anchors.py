"""Published figures to read ours against, each with its source.

Our figures come from synthetic minutiae, not from fingerprints: they say whether the
code works and how fast it is, not how accurate Limes would be on real captures. The
anchors below say what the same algorithms, and the best systems, reach on real data.
Where the search of stored public pages done for this bench (issue 16) returned the
document but not its table, the anchor names the table to read rather than a figure
remembered: a figure printed here is one that was read in the source, and ``figure`` is
``None`` (printed as not found) for every one that was not. Searched (pages and docs):
MCC / Bozorth3 EER on FVC2002-2006, FVC-onGoing, NISTIR 8034's summary and the FRIF TE
class tables (Table 4.2, 5.2, 6.2 of each algorithm's page), FRVT/FRTE 1:N tables: the
stored excerpts hold the documents' opening pages, not their tables. Searched again
(pages, docs and code): FVC-onGoing's results of the MCC SDK and Bozorth3 on FV-STD
(only the campaign's background page is stored), Cappelli et al. 2010's tables (only
implementations citing the paper), NISTIR 8034's summary (a copy whose excerpt ends in
the acknowledgements), the FRIF TE pages of tech5impl+0005 and innovatrics+0001 for
classes A-C (each excerpt ends at "Tabular versions of FNIR at select FPIR can be viewed
in Table 5.2", before the table) and the FRVT 1:N page and NISTIR 8271 drafts (the
tables' descriptions, not their values): still no figure read, so none is printed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Anchor:
    what: str
    measured: str
    source: str
    figure: str | None = None
    """The published figure as read in the source; None: not found in what was searched."""


NOT_FOUND = "not found in the stored pages searched: read the table named above"

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
        "FNIR at select FPIR (each algorithm's Tables 4.2, 5.2, 6.2): single index "
        "fingers against 100,000 subjects, two index "
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
    Anchor(
        "Latent 1:N, operational AFIS (NIST's view in 2013)",
        "identification rate of latent searches regarded as high performance",
        "NIST, Fingerprint Testing and Standards, presentation of 28 February 2013, "
        "slide 8 'Latent AFIS Technology Gaps' (slideplayer.com/slide/3358135/)",
        "65-70 % identification rate; about 15 min of examiner markup a latent and about "
        "20 candidates reviewed a search",
    ),
    Anchor(
        "NIST FRVT (now FRTE) 1:N, face identification, best algorithms",
        "FNIR at FPIR 0.003 (threshold set per algorithm and gallery) and FNIR at rank 1 "
        "with 50 candidates returned (investigation), one image per person enrolled, "
        "the gallery size in each column's header: the leaderboard tables",
        "P. Grother, M. Ngan, K. Hanaoka, Face Recognition Vendor Test Part 2: "
        "Identification, NISTIR 8271 (drafts to 2022-12-18), doi:10.6028/NIST.IR.8271; "
        "pages.nist.gov/frvt 1:N leaderboard",
    ),
)


def print_anchors() -> None:
    print("\nPublished anchors (read ours beside them; ours are on synthetic minutiae):")
    for anchor in ANCHORS:
        print(f"  {anchor.what}\n    {anchor.measured}\n    source: {anchor.source}")
        print(f"    figure: {anchor.figure or NOT_FOUND}")
