"""Widgets. Each view takes its model in the constructor, connects to its
signals and redraws from it; views keep no call state of their own."""
