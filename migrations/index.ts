import { InitialSchema1732406400000 } from './1732406400000-InitialSchema';

/** Every migration, oldest first. Add new ones here. */
export const migrations = [InitialSchema1732406400000];
