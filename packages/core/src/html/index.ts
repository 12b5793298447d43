export { SafeString, markSafe, isSafe } from './safe-string';
export { escape, escapeHtml, conditionalEscape, formatHtml, formatHtmlJoin, stringify } from './escape';
export { escapeJs, jsonScript } from './script';
