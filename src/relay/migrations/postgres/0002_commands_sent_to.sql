-- Which agent connection holds a `sent` command (an opaque token of one WebSocket or
-- long-polling session). When that connection ends without the command's result, the
-- relay puts the command back to `queued` for the next connection (issue 13).
ALTER TABLE commands ADD COLUMN sent_to TEXT;
