"""Strip site chrome line by line: generic signals, lines repeated across a site, rule files."""
