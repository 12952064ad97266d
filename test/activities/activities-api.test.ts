import {
  CreateActivityCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  GetActivityTaskCommand,
  ListActivitiesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { failure, uniqueName } from './support.js';

let t: TestServer;
let client: SFNClient;

beforeAll(async () => {
  t = await startTestServer({ activityPollTimeoutMs: 200 });
  client = t.client;
});

afterAll(async () => {
  await t.close();
});

describe('CreateActivity, DescribeActivity, DeleteActivity, ListActivities', () => {
  it('CreateActivity answers the activity ARN built from region, account and name', async () => {
    const name = uniqueName('make');
    const created = await client.send(new CreateActivityCommand({ name }));
    expect(created.activityArn).toBe(`arn:aws:states:us-east-1:123456789012:activity:${name}`);
    expect(created.creationDate).toBeInstanceOf(Date);
    const described = await client.send(new DescribeActivityCommand({ activityArn: created.activityArn }));
    expect(described).toMatchObject({ activityArn: created.activityArn, name, creationDate: created.creationDate });
  });

  it('CreateActivity is idempotent on the name and ignores the tags of a repeated request', async () => {
    const name = uniqueName('again');
    const first = await client.send(new CreateActivityCommand({ name, tags: [{ key: 'team', value: 'a' }] }));
    const second = await client.send(new CreateActivityCommand({ name, tags: [{ key: 'team', value: 'b' }] }));
    expect(second).toMatchObject({ activityArn: first.activityArn, creationDate: first.creationDate });
    const tags = await client.send(new ListTagsForResourceCommand({ resourceArn: first.activityArn }));
    expect(tags.tags).toEqual([{ key: 'team', value: 'a' }]);
  });

  it('activities take tags through TagResource like state machines', async () => {
    const { activityArn } = await client.send(new CreateActivityCommand({ name: uniqueName('tagged') }));
    await client.send(new TagResourceCommand({ resourceArn: activityArn, tags: [{ key: 'k', value: 'v' }] }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: activityArn }))).tags).toEqual([
      { key: 'k', value: 'v' },
    ]);
  });

  it('CreateActivity refuses a name AWS does not allow with InvalidName', async () => {
    expect(await failure(client.send(new CreateActivityCommand({ name: 'has space' })))).toEqual({
      name: 'InvalidName',
      message: "Invalid Name: 'has space'",
    });
  });

  it('CreateActivity refuses an empty or too long name with a ValidationException', async () => {
    const tooLong = await failure(client.send(new CreateActivityCommand({ name: 'x'.repeat(81) })));
    expect(tooLong.name).toBe('ValidationException');
    expect(tooLong.message).toContain('failed to satisfy constraint: Member must have length less than or equal to 80');
  });

  it('DescribeActivity of an unknown activity is ActivityDoesNotExist', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:activity:nobody';
    expect(await failure(client.send(new DescribeActivityCommand({ activityArn: arn })))).toEqual({
      name: 'ActivityDoesNotExist',
      message: `Activity Does Not Exist: '${arn}'`,
    });
  });

  it('an ARN that is not an activity ARN is InvalidArn', async () => {
    const notActivity = await failure(
      client.send(new DescribeActivityCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m' })),
    );
    expect(notActivity).toEqual({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
    });
    const garbage = await failure(client.send(new DeleteActivityCommand({ activityArn: 'nonsense' })));
    expect(garbage).toEqual({ name: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: nonsense'" });
  });

  it('DeleteActivity removes the activity; deleting it again succeeds', async () => {
    const { activityArn } = await client.send(new CreateActivityCommand({ name: uniqueName('gone') }));
    await client.send(new DeleteActivityCommand({ activityArn }));
    expect((await failure(client.send(new DescribeActivityCommand({ activityArn })))).name).toBe(
      'ActivityDoesNotExist',
    );
    await client.send(new DeleteActivityCommand({ activityArn }));
    expect((await failure(client.send(new GetActivityTaskCommand({ activityArn })))).name).toBe('ActivityDoesNotExist');
  });

  it('ListActivities pages with maxResults and nextToken, oldest first', async () => {
    const names = [uniqueName('list'), uniqueName('list'), uniqueName('list')];
    for (const name of names) await client.send(new CreateActivityCommand({ name }));
    const pages = await allPages((nextToken) => client.send(new ListActivitiesCommand({ maxResults: 2, nextToken })));
    for (const page of pages) expect(page.activities?.length).toBeLessThanOrEqual(2);
    const activities = pages.flatMap((page) => page.activities ?? []);
    for (const a of activities) {
      expect(a.activityArn).toBe(`arn:aws:states:us-east-1:123456789012:activity:${a.name}`);
      expect(a.creationDate).toBeInstanceOf(Date);
    }
    const seen = activities.map((a) => a.name as string);
    expect(pages.length).toBeGreaterThan(1);
    expect(seen.filter((n) => names.includes(n))).toEqual(names);
  });

  it('ListActivities refuses a token it did not make with InvalidToken', async () => {
    expect((await failure(client.send(new ListActivitiesCommand({ nextToken: 'bogus' })))).name).toBe('InvalidToken');
  });
});
