"""Published figures to read ours against, each with its source.

Our figures come from synthetic minutiae, not from fingerprints: they say whether the
code works and how fast it is, not how accurate Limes would be on real captures. The
anchors below say what the same algorithms, and the best systems, reach on real data.

A figure printed here was read in the source named beside it (the stored public pages
searched for issue 16, most of them reports of NIST's or the FVC organisers' results
by the press or a participant, as the reports' own tables were not among what is
stored, and NIST's FRIF TE pages as its public repository holds them, named by
commit); ``figure`` is ``None`` (printed as not found) for every anchor whose figure was
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
        "MCC (Minutia Cylinder-Code) on FVC data, verification",
        "EER of MCC on FVC2006 DB1-DB4 beside three other local minutiae structures "
        "(the authors' tables), and as the baseline of later papers on FVC2002/2004",
        "R. Cappelli, M. Ferrara, D. Maltoni, Minutia Cylinder-Code: a new representation "
        "and matching technique for fingerprint recognition, IEEE TPAMI 32(12), 2010, "
        "pp. 2128-2141; W. U. Baig et al., Minutia Texture Cylinder Codes for fingerprint "
        "matching, arXiv:1807.02251, 2018 (MCC as its baseline on FVC2002 and FVC2004: "
        "a third party's measurement)",
        searched="the paper's abstract and opening (technodocbox.com: 'Extensive "
        "experiments over FVC2006 databases prove the superiority of MCC', no figure); "
        "BioLab's MCC page (biolab.csr.unibo.it, selObj=81: its stored copies stop at "
        "the motivations, before any result); Baig et al. on ar5iv.labs.arxiv.org/html/"
        "1807.02251 and deepai.org (abstract and introduction only, before the tables) "
        "and the first author's repo wajihullahbaig/mtcc-python (no figures); the MCC "
        "SDK documentation (scribd, contents only); Peralta's code (dperaltac/mpi-afis, "
        "dperaltac/bigdata-fingerprint: no result tables); FVC-onGoing's pages",
    ),
    Anchor(
        "NBIS Bozorth3 on FVC data, verification",
        "EER of Bozorth3 beside MCC and other local matchers on FVC2002/FVC2004 "
        "(minutiae of one extractor for all): the survey's tables",
        "D. Peralta et al., A survey on fingerprint minutiae-based local matching, "
        "Information Sciences 315, 2015, doi:10.1016/j.ins.2015.04.013 (its tables as CSV "
        "at sci2s.ugr.es/MatchingReview)",
        searched="the MatchingReview page (cut before its CSV table); the pages corpus "
        "for Bozorth3 EER on FVC2002/2004 (FVC reports, fuzzy-vault and matcher papers: "
        "openings only); GitHub code for 'Bozorth3 EER' (one README, JJshome/"
        "advance_fingermatcher, tabulates a 'Traditional Bozorth3 EER' per FVC database "
        "with no extractor, protocol or run named: not used)",
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
        "not its plots; Indrawan et al., IJECE 4(5), 2014 (ipmugo.com), which compares "
        "indexing strategies on FVC2000 DB2A/DB3A and FVC2002 DB1A, gives only its own "
        "error rate in the stored part; GitHub code for MCC indexing (none reports it)",
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
        "December 2014, doi:10.6028/NIST.IR.8034",
        searched="NISTIR 8034's stored copies (fdokumen.com, dtsheet.com: their excerpts "
        "end in the acknowledgements), aatechintl.com/nist-fptve (names Tables 21-23, cut "
        "before them), sonda-tech.com/fpvte (classes, no figure), vendors' press pages "
        "(NEC's is on face); NIST's re-run of the same data sets is the next anchor",
    ),
    Anchor(
        "NIST FRIF TE E1N on FpVTE 2012 Class C data, best ten-print 1:N",
        "FNIR at FPIR <= 0.001: ten fingers (4-4-1-1) plain and rolled, probes "
        "(about 30,000, a third mated) against 5,000,000 enrolled subjects, Table 6.2 of "
        "each algorithm's page (2025-2026 submissions, not FpVTE 2012's own algorithms)",
        "NIST, FRIF TE E1N results, pages.nist.gov/frifte/e1n/results/IDEMIA+0001/"
        "fpvte-2012class-c.html as stored in github.com/usnistgov/frifte, branch "
        "nist-pages, commit 7e87e6232997fcf0709f274ed0d8d9018c3daa16 (2025-11-18), "
        "Table 6.2; NEC's: nec+0002, commit 734fc240f2894e6bc3cb5379b7f6248d5c935cdf",
        "IDEMIA+0001: FNIR 0.0001 plain-plain, plain-rolled and rolled-rolled at FPIR "
        "<= 0.001, the lowest of the 13 algorithms whose pages the branch held "
        "(nec+0002: 0.0010, 0.0008, 0.0008)",
    ),
    Anchor(
        "NIST MINEX 2004, minutiae-template interoperability (operational data)",
        "FNMR at FMR 1 % of the best matcher on INCITS 378 minutiae templates from "
        "14 vendors' extractors, two index fingers",
        "P. Grother et al., MINEX: Performance and Interoperability of the INCITS 378 "
        "Fingerprint Template, NIST, 2 March 2006, abstract at www.nist.gov/manuscript-"
        "publication-search.cfm?pub_id=150619: 'When using two index finger "
        "authentication and operating at a false match rate (FMR) of 0.01, the best "
        "matcher can match templates from 13 of the 14 vendors at a false non-match "
        "rate (FNMR) less than 0.01'",
        "best matcher: FNMR < 1 % at FMR 1 % on the templates of 13 of 14 extractors "
        "(two index fingers)",
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
    Anchor(
        "NIST FRVT 1:N (now FRTE), face identification, August 2021",
        "FNIR at FPIR 0.003, mugshot and border-crossing galleries (update of "
        "NISTIR 8271), as the algorithm's maker reported it",
        "NEC New Zealand, 'NEC Places First for Accuracy in NIST Testing, Again' "
        "(nec.co.nz/market-leadership/publications-media/nec-places-first-for-accuracy-"
        "in-nist-testing/): 'Our NEC-004 algorithm demonstrated False Negative "
        "Identification Rate (FNIR) of just 0.0022 and 0.0345 at a False Positive Rate "
        "(FPIR) of 0.003, respectively'",
        "NEC-004: FNIR 0.0022 mugshot, 0.0345 border, at FPIR 0.003 (a participant's "
        "report, 5 August 2021 results)",
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
