"""The vault: every byte of evidence and of documents made from a case (dossiers, evidence packs), stored
encrypted; the file types it accepts; the one response that hands a stored file to a browser.

It imports no app of ours: a case and an exhibit reach it as objects with the attributes it reads."""
