-- Replies kept with the de-duplication record of the message they answer (issue 13 item 7),
-- and the channel a person chose for proactive messages (issue 11).
--
-- The engine stores the replies in the transaction that handled the message; the channel
-- counts each one delivered as soon as the platform accepted it. When the platform hands the
-- same message id back (Zalo redelivers; a crash between the commit and the send leaves the
-- update unacknowledged), only the replies not yet counted are sent: the user gets the
-- confirmation once, never a second answer. ``replies`` is emptied once all are delivered.
ALTER TABLE inbound_seen ADD COLUMN replies TEXT;                    -- JSON list of outbox payloads
ALTER TABLE inbound_seen ADD COLUMN replies_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_seen ADD COLUMN replies_sent INTEGER NOT NULL DEFAULT 0;

-- 'telegram' | 'zalo' | NULL (NULL: the chat the person wrote from last).
ALTER TABLE people ADD COLUMN preferred_channel TEXT;
