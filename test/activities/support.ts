/**
 * For the activity tests: unique names, an activity, a Standard machine whose one Task is that
 * activity, and the name and message of a call's error. The server and the client are the shared
 * ones (test/support/server.ts).
 */
import { CreateActivityCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createMachine, rejection } from '../support/aws.js';

let names = 0;
export const uniqueName = (prefix: string): string => `${prefix}-${process.pid}-${++names}`;

export async function createActivity(client: SFNClient, name = uniqueName('activity')): Promise<string> {
  const { activityArn } = await client.send(new CreateActivityCommand({ name }));
  return activityArn ?? '';
}

/** The history event types of an `activityMachine` execution whose worker succeeded. */
export const ONE_ACTIVITY_SUCCEEDED = [
  'ExecutionStarted',
  'TaskStateEntered',
  'ActivityScheduled',
  'ActivityStarted',
  'ActivitySucceeded',
  'TaskStateExited',
  'ExecutionSucceeded',
];

/** A Standard machine whose one Task is the activity (extra fields merged into the Task state). */
export function activityMachine(
  client: SFNClient,
  activityArn: string,
  task: Record<string, unknown> = {},
  name = uniqueName('machine'),
): Promise<string> {
  return createMachine(client, name, {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: activityArn, End: true, ...task } },
  });
}

/** The name and message of the error a call fails with (the test fails if it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const { name, message } = await rejection(promise);
  return { name, message };
}
