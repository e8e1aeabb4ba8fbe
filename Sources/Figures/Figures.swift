// Layer placeholder: filled by its issue.
