import { sendEarlyRequests } from './data/early.js';
sendEarlyRequests();
void import('./start.js');
