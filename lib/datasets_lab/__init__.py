"""The Datasets lab's pure logic: learner uploads, hands-on `datasets` steps, an offline Dataset Viewer."""
