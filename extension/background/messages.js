/*
 * One map of named message handlers. A message is {<handlerName>: argument}; the reply is
 * {result} or {error: {kind, message}}, so errors reach the sender intact.
 */
import { toWireError } from './errors.js';

/**
 * @param {Record<string, (argument: any, sender: chrome.runtime.MessageSender) => unknown>} handlers
 * @returns {(message: any, sender: chrome.runtime.MessageSender, sendResponse: Function) => boolean}
 */
export function messageListener(handlers) {
  return (message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || message === null || typeof message !== 'object') return false;
    const name = Object.keys(message).find((key) => Object.hasOwn(handlers, key));
    if (!name) return false;
    Promise.resolve()
      .then(() => handlers[name](message[name], sender))
      .then(
        (result) => sendResponse({ result: result ?? null }),
        (error) => sendResponse({ error: toWireError(error) })
      );
    return true; // keeps the channel open for the asynchronous answer
  };
}
