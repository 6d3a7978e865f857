export { latchkeyTransferFormat } from './latchkey-transfer.js';
export { formatTransferBlock, parseTransferBlock } from './transfer-block.js';
