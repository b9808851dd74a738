"""Published figures to read ours against, each with its source.

Our figures come from synthetic minutiae, not from fingerprints: they say whether the
code works and how fast it is, not how accurate Limes would be on real captures. The
anchors below say what the same algorithms, and the best systems, reach on real data.

A figure printed here was read in the source named beside it (the stored public pages
searched for issue 16, most of them reports of NIST's or the FVC organisers' results
by the press or a participant, as the reports' own tables were not among what is
stored); ``figure`` is ``None`` (printed as not found) for every anchor whose figure was
not read, and ``searched`` then says what was searched. No figure is remembered.
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
    searched: str = ""
    """Where the figure was looked for and not found (``figure`` None)."""


NOT_FOUND = "not found in the stored pages searched"

ANCHORS = (
    Anchor(
        "MCC (Minutia Cylinder-Code) and NBIS Bozorth3 on FVC data, verification",
        "EER of MCC beside Bozorth3 and other local minutiae structures on FVC2006 "
        "DB1-DB4 (minutiae of one extractor for all): the paper's tables",
        "R. Cappelli, M. Ferrara, D. Maltoni, Minutia Cylinder-Code: a new representation "
        "and matching technique for fingerprint recognition, IEEE TPAMI 32(12), 2010, "
        "pp. 2128-2141; D. Peralta et al., A survey on fingerprint minutiae-based local "
        "matching, Information Sciences 315, 2015, doi:10.1016/j.ins.2015.04.013 (MCC and "
        "Bozorth3 on FVC2002/2004; its tables as CSV at sci2s.ugr.es/MatchingReview)",
        searched="the papers' abstracts (no figures), the MatchingReview page (cut before "
        "its CSV table), FVC-onGoing's pages (the MCC SDK's and Bozorth3's results are not "
        "stored), implementations citing the paper on GitHub",
    ),
    Anchor(
        "FVC-onGoing FMISO-STD-1.0, the best minutiae-template matchers (FVC data)",
        "EER of verification on ISO/IEC 19794-2 minutiae templates (what MCC and "
        "Bozorth3 compare: minutiae only, no image)",
        "Technews/securitysa.com/38817n: 'Virdi emerged with an EER rate of 0,405% with "
        "the nearest competitor able to achieve an EER of only 0,598% on the "
        "FMISO-STD-1.0 benchmark'",
        "best EER 0.405 %, second 0.598 % (a participant's report of the ranking)",
    ),
    Anchor(
        "MCC with locality-sensitive hashing, 1:N indexing",
        "error rate against penetration rate on FVC2000 DB2/DB3, FVC2002 DB1, NIST DB4 "
        "and DB14, beside 15 earlier indexing methods: the paper's figures",
        "R. Cappelli, M. Ferrara, D. Maltoni, Fingerprint indexing based on Minutia "
        "Cylinder-Code, IEEE TPAMI 33(5), 2011, pp. 1051-1057 (abstract: 'the new "
        "approach outperforms existing ones in almost all of the cases')",
        searched="the paper's stored copy (m.moam.info) holds its abstract and opening, "
        "not its plots",
    ),
    Anchor(
        "NIST FpVTE 2003, best fingerprint systems (operational US Government data)",
        "true accept rate at a false accept rate of 0.01 % by the number of fingers",
        "GCN, 30 July 2004 (gokis.net/self-service/archives/000748.html): 'Given a "
        "false-positive rate of 0.01 percent, the NEC system had an accuracy rate of "
        "98.6 percent for single-finger prints, 99.6 percent for two-finger prints and "
        "99.9 percent for four, eight or 10-print sets'; NIST's abstract: "
        "nist.gov/node/605061",
        "98.6 % one finger, 99.6 % two, 99.9 % four to ten, at FAR 0.01 % (best system)",
    ),
    Anchor(
        "NIST FpVTE 2012, best systems 1:N",
        "FNIR at select FPIR: index fingers against 100,000 and 1.6 M subjects, "
        "identification flats against 3 M, ten fingers rolled and plain against 5 M, "
        "about a third of the probes mated: NISTIR 8034's Tables 21-23 (Section 10, "
        "'Ranked Results', pp. 92-94)",
        "C. Watson et al., Fingerprint Vendor Technology Evaluation, NISTIR 8034, "
        "December 2014, doi:10.6028/NIST.IR.8034; the same classes in FRIF TE E1N, "
        "pages.nist.gov/frifte/e1n/ (Tables 4.2, 5.2, 6.2 per algorithm)",
        searched="NISTIR 8034's stored copies (their excerpts end in the "
        "acknowledgements), aatechintl.com/nist-fptve (names Tables 21-23, cut before "
        "them), the FRIF TE pages of tech5impl+0005 and innovatrics+0001 (cut at 'can "
        "be viewed in Table 5.2')",
    ),
    Anchor(
        "Latent 1:N, NIST's evaluations",
        "identification rate of latent searches",
        "NIST, Fingerprint Testing and Standards, 28 February 2013, slide 8 'Latent AFIS "
        "Technology Gaps' (slideplayer.com/slide/3358135/); ITpro Nikkei, 16 April 2009 "
        "(itpro.nikkeibp.co.jp/article/NEWS/20090416/328572/), NIST's latent test for "
        "DHS (ELFT): NEC 97.2 %, Cogent 87.3 %, SPEX Forensics 80.0 % (its gallery and "
        "rank not given there)",
        "'65-70 % identification rate considered high performance' (2013; about 15 min "
        "of examiner markup a latent, about 20 candidates a search); 97.2 % best in "
        "ELFT 2009 as NEC reported it",
    ),
    Anchor(
        "NIST FRVT 1:N (now FRTE), face identification, best algorithms",
        "share of mated searches failing (26.6 M portraits of 12.3 M persons, "
        "NISTIR 8238's executive summary)",
        "NISTIR 8238, November 2018, doi:10.6028/NIST.IR.8238, as NIST's release was "
        "reported (executivebiz.com/2018/12/nist-report-highlights-tech-advancements-in"
        "-facial-recognition-market): 'Current software products only failed in 0.2 "
        "percent of searches this year compared with similar tests in 2010 and 2014 when "
        "facial recognition tools failed 5 percent and 4 percent'",
        "best algorithms miss 0.2 % of mated searches (2018; 4 % in 2014, 5 % in 2010)",
    ),
)


def print_anchors() -> None:
    print("\nPublished anchors (read ours beside them; ours are on synthetic minutiae):")
    for anchor in ANCHORS:
        print(f"  {anchor.what}\n    {anchor.measured}\n    source: {anchor.source}")
        if anchor.figure:
            print(f"    figure: {anchor.figure}")
        else:
            print(f"    figure: {NOT_FOUND}: {anchor.searched}")
