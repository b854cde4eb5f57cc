"""The student's flow: class sessions and codes, drafts, submissions, imported responses."""
