"""Demo data: a believable data set so that every page and query has something to show."""
