"""Rule-based extraction: sentences, gazetteer mentions, coreference, relations, dates.

No statistical model is used (nothing is downloaded at run time): a compiled regular
expression gazetteer built from the reference graph's labels and ``graph/lexicon.yaml``,
and hand-written patterns over sentences with the linked mentions.
"""

EXTRACTOR_VERSION = "strikegraph-extract 0.1.0"

__all__ = ["EXTRACTOR_VERSION"]
