/**
 * WebSocket close codes and the client action for each: declared once in the client SDK's protocol
 * module (dependency-free, so the published SDK carries it) and used from there by the realtime nodes.
 */
export { CloseCode, closeActions, closeActionOf, type CloseAction } from '../../client/src/protocol/close-codes.ts';
