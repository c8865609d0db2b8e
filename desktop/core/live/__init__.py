"""Live call events (CTI ringing/answered/ended) and the transcript feed: Qt-free rules."""
