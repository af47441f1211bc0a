// The rooms' and the capability's error codes (docs/architecture.md, "Resources, calls and errors") in words a person understands.
const MESSAGES = {
  'system.notFound': 'This room does not exist. Check that the link is complete.',
  'system.invalidParams': 'The server refused the request as malformed. Reload the page and try again.',
  'system.methodNotFound': 'This page and the server do not understand each other. Reload the page.',
  'system.internalError': 'Something went wrong on the server. Try again in a moment.',
  'system.timeout': 'The server did not answer in time. Check your connection and try again.',
  'system.disconnect': 'The connection to the server was lost.',
  'system.connectionError': 'The server cannot be reached. Check your connection.',
  'system.accessDenied': 'The server did not let this page into the room. Reload the page to try again.',
  'room.wrongKey': 'This link’s key does not open this room: the link is damaged. Ask for the link again and copy it whole.',
  'room.tooManyRooms': 'Too many rooms are open on this connection. Open the link in a new tab.',
  'room.closed': 'This room has ended. Nobody can join or write in it any more.',
  'room.notJoined': 'You are no longer in the room. Rejoining…',
  'room.full': 'This room is full. Try again when someone leaves.',
  'room.rateLimited': 'You are sending too fast. Wait a moment, then try again.',
  'gateway.limitExceeded': 'This page is sending more than the server allows. Wait a moment, then try again.',
  'room.unavailable': 'The server could not store your message just now, so it was not sent. Try again.',
  'chat.tooLong': 'This message is too long to send. Split it into shorter ones.',
  'chat.offline': 'You are offline. The message was not sent.',
};

export function describeError(error) {
  const code = error && typeof error.code === 'string' ? error.code : 'system.internalError';
  return MESSAGES[code] ?? `Something went wrong (${code}).`;
}

export function errorCode(error) {
  return error && typeof error.code === 'string' ? error.code : null;
}
