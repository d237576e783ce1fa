"""The Model Hub explorer's pure logic: a curated catalogue of famous models and live Hub search."""
