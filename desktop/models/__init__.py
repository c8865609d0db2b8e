"""Qt-side state the views take in their constructors: QObjects with signals
around the Qt-free core, and the single database worker."""
