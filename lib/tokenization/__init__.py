"""The Tokenizers lab: comparing, measuring, dissecting and training real tokenizers."""
