import { sendEarlyRequests } from './early.js';
sendEarlyRequests();
void import('./start.js');
