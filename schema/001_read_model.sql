-- The read model (docs/architecture.md, "Read model"), exactly as the owner specified it. A projection of the event
-- journal: rebuilt by `Chat.Web replay`, never the source of truth.
CREATE TABLE rooms (id UUID PRIMARY KEY, created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
  last_activity TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP, is_active BOOLEAN DEFAULT TRUE);
CREATE TABLE messages (id UUID PRIMARY KEY, room_id UUID NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  encrypted_content BYTEA NOT NULL, nonce BYTEA NOT NULL CHECK (octet_length(nonce) = 12),
  timestamp TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX idx_messages_room ON messages(room_id);
CREATE INDEX idx_messages_timestamp ON messages(timestamp);
