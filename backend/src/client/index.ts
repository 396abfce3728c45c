export { ApiError } from './errors.js';
export { EventStream, type EventStreamOptions, type StreamState } from './events.js';
export { ApiClient, buildPath, type ClientOptions } from './http.js';
export { notListening, openPortSocket, portForwardUrl, portFrames } from './ports.js';
