-- Where each projection has got to in the journal: the global `ordering` of the last event it
-- applied. Written in the same transaction as the rows, so rows and offset never disagree.
CREATE TABLE projection_offsets (
  projection TEXT PRIMARY KEY,
  ordering BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
