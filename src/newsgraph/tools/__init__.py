"""After the run: compare outputs (diff), look at them (view), score them (evaluate), describe the install (info)."""
