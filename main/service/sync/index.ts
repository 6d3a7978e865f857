export { applySyncPlan, type AppliedCell, type ApplyContext } from './apply.js';
export { describeInventory, findDrift, type DriftCell, type InventoryAccountView, type InventoryKeyView, type InventoryView } from './inventory.js';
export { inspectInventory, type InventoryReport } from './inventory-check.js';
export { makeSyncPlan, type SyncPlanRequest } from './make-plan.js';
export { willWrite, type CellAction, type CellRef, type AnyKeyObservation, type KeyObservation, type KeyRoom, type OtpSlotsObservation, type ObservedCredential, type PlanCell, type PlanInput, type PlanOptions, type SyncKeyKind, type SyncPlan } from './model.js';
export { observeKey, type ObserveOptions, type SyncKey } from './observe.js';
export { openSyncKey, type OpenSyncKeyOptions } from './open-key.js';
export { observeOtpSlots, openOtpSyncKey, type OtpSyncKey } from './otp-key.js';
export { planSync } from './plan.js';
