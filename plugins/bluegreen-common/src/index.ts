/**
 * Types of the blue/green state and explain API, catalog annotations and permissions,
 * shared by the blue/green frontend and backend plugins.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export type * from './types';
export { MESH_GATEWAY } from './types';
export * from './cutovers';
