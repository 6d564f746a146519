import { InitialSchema1732406400000 } from './1732406400000-InitialSchema';
import { FeedAndReplicaState1732406500000 } from './1732406500000-FeedAndReplicaState';
import { LedgerOnBehalfOf1733011200000 } from './1733011200000-LedgerOnBehalfOf';
import { StockAllotment1733097600000 } from './1733097600000-StockAllotment';
import { LedgerAllotment1733184000000 } from './1733184000000-LedgerAllotment';
import { StoreOutbox1733270400000 } from './1733270400000-StoreOutbox';
import { AllotmentPolicy1733356800000 } from './1733356800000-AllotmentPolicy';
import { LedgerOutboxKey1733443200000 } from './1733443200000-LedgerOutboxKey';
import { Reservations1733529600000 } from './1733529600000-Reservations';
import { ForwardsInDoubt1733616000000 } from './1733616000000-ForwardsInDoubt';
import { ReplicaApplyLog1733702400000 } from './1733702400000-ReplicaApplyLog';

/** Every migration, oldest first. Add new ones here. */
export const migrations = [
  InitialSchema1732406400000,
  FeedAndReplicaState1732406500000,
  LedgerOnBehalfOf1733011200000,
  StockAllotment1733097600000,
  LedgerAllotment1733184000000,
  StoreOutbox1733270400000,
  AllotmentPolicy1733356800000,
  LedgerOutboxKey1733443200000,
  Reservations1733529600000,
  ForwardsInDoubt1733616000000,
  ReplicaApplyLog1733702400000,
];
