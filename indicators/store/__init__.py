"""The database on disk: the connection, the numbered migrations, the one write door (every
write is a logged batch in one transaction) and reading the change log back."""
