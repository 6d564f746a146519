import { InitialSchema1732406400000 } from './1732406400000-InitialSchema';
import { FeedAndReplicaState1732406500000 } from './1732406500000-FeedAndReplicaState';

/** Every migration, oldest first. Add new ones here. */
export const migrations = [InitialSchema1732406400000, FeedAndReplicaState1732406500000];
