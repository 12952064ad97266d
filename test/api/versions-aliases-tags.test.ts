import {
  ConflictException,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineVersionCommand,
  DescribeStateMachineAliasCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  ListTagsForResourceCommand,
  MissingRequiredParameter,
  PublishStateMachineVersionCommand,
  ResourceNotFound,
  StateMachineDoesNotExist,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidationException,
  type RoutingConfigurationListItem,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allPages } from '../support/aws.js';
import { ARN_PREFIX, passDefinition, rejection, ROLE, startHarness, storeKinds, type Harness } from './harness.js';

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  let machine: string;
  beforeEach(async () => {
    h = await startHarness(kind);
    const output = await h.client.send(
      new CreateStateMachineCommand({
        name: 'orders',
        definition: passDefinition(),
        roleArn: ROLE,
        tags: [{ key: 'team', value: 'a' }],
      }),
    );
    machine = output.stateMachineArn ?? '';
  });
  afterEach(async () => h.close());

  /** Publishes `count` versions, each from a new revision. */
  async function publish(count: number): Promise<string[]> {
    const arns: string[] = [];
    for (let i = 0; i < count; i++) {
      await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn: machine, definition: passDefinition(`r${i}`) }),
      );
      const output = await h.client.send(
        new PublishStateMachineVersionCommand({ stateMachineArn: machine, description: `v${i + 1}` }),
      );
      arns.push(output.stateMachineVersionArn ?? '');
    }
    return arns;
  }

  /** CreateStateMachineAlias on `machine`'s versions. */
  const createAlias = (name: string, routingConfiguration: RoutingConfigurationListItem[], description?: string) =>
    h.client.send(new CreateStateMachineAliasCommand({ name, routingConfiguration, description }));

  describe('PublishStateMachineVersion', () => {
    it('numbers versions from 1 and returns the same version for an unchanged revision', async () => {
      const first = await h.client.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine }));
      const again = await h.client.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine }));
      expect(first.stateMachineVersionArn).toBe(`${machine}:1`);
      expect(first.creationDate).toBeInstanceOf(Date);
      expect(again.stateMachineVersionArn).toBe(`${machine}:1`);
    });

    it('a stale revisionId is a ConflictException', async () => {
      const error = await rejection(
        h.client.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine, revisionId: 'stale' })),
      );
      expect(error).toBeInstanceOf(ConflictException);
      expect(error.message).toMatch(
        /^Failed to publish the State Machine version for revision stale\. The current State Machine revision is /,
      );
    });

    it('an unknown machine is StateMachineDoesNotExist', async () => {
      const error = await rejection(
        h.client.send(new PublishStateMachineVersionCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:nope` })),
      );
      expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    });
  });

  describe('ListStateMachineVersions and DeleteStateMachineVersion', () => {
    it('lists versions newest first across pages', async () => {
      const versions = await publish(5);
      const pages = await allPages((nextToken) =>
        h.client.send(new ListStateMachineVersionsCommand({ stateMachineArn: machine, maxResults: 2, nextToken })),
      );
      const seen = pages.flatMap((page) => page.stateMachineVersions ?? []).map((v) => v.stateMachineVersionArn ?? '');
      expect(seen).toEqual([...versions].reverse());
    });

    it('deletes a version, idempotently', async () => {
      const [version] = await publish(1);
      await h.client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: version }));
      await h.client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: version }));
      const output = await h.client.send(new ListStateMachineVersionsCommand({ stateMachineArn: machine }));
      expect(output.stateMachineVersions).toEqual([]);
    });

    it('refuses to delete a version an alias routes to', async () => {
      const [version] = await publish(1);
      await createAlias('PROD', [{ stateMachineVersionArn: version, weight: 100 }]);
      const error = await rejection(
        h.client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: version })),
      );
      expect(error).toBeInstanceOf(ConflictException);
      expect(error.message).toBe(
        'Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [PROD]',
      );
    });
  });

  describe('state machine aliases', () => {
    it('creates, describes, updates, lists and deletes an alias', async () => {
      const [v1, v2] = await publish(2);
      const created = await createAlias('PROD', [{ stateMachineVersionArn: v1, weight: 100 }], 'live');
      expect(created.stateMachineAliasArn).toBe(`${machine}:PROD`);
      const alias = created.stateMachineAliasArn ?? '';

      await h.client.send(
        new UpdateStateMachineAliasCommand({
          stateMachineAliasArn: alias,
          routingConfiguration: [
            { stateMachineVersionArn: v1, weight: 80 },
            { stateMachineVersionArn: v2, weight: 20 },
          ],
        }),
      );
      const described = await h.client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias }));
      expect(described).toMatchObject({
        stateMachineAliasArn: alias,
        name: 'PROD',
        description: 'live',
        routingConfiguration: [
          { stateMachineVersionArn: v1, weight: 80 },
          { stateMachineVersionArn: v2, weight: 20 },
        ],
      });
      expect(described.updateDate).toBeInstanceOf(Date);

      const listed = await h.client.send(new ListStateMachineAliasesCommand({ stateMachineArn: machine }));
      expect(listed.stateMachineAliases?.map((a) => a.stateMachineAliasArn)).toEqual([alias]);

      await h.client.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias }));
      const error = await rejection(
        h.client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias })),
      );
      expect(error).toBeInstanceOf(ResourceNotFound);
    });

    it('creating the same alias again is idempotent; other routing is a ConflictException', async () => {
      const [v1, v2] = await publish(2);
      const routing = [{ stateMachineVersionArn: v1, weight: 100 }];
      const first = await createAlias('PROD', routing);
      const again = await createAlias('PROD', routing);
      expect(again.stateMachineAliasArn).toBe(first.stateMachineAliasArn);
      const error = await rejection(createAlias('PROD', [{ stateMachineVersionArn: v2, weight: 100 }]));
      expect(error).toBeInstanceOf(ConflictException);
    });

    it('weights must sum to 100', async () => {
      const [v1, v2] = await publish(2);
      const error = await rejection(
        createAlias('PROD', [
          { stateMachineVersionArn: v1, weight: 50 },
          { stateMachineVersionArn: v2, weight: 20 },
        ]),
      );
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe('Sum of routing configuration weights must equal 100. Received: [50,20]');
    });

    it('more than two routes is a ValidationException', async () => {
      const versions = await publish(3);
      const error = await rejection(
        createAlias(
          'PROD',
          versions.map((v) => ({ stateMachineVersionArn: v, weight: 0 })),
        ),
      );
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toMatch(
        /at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2$/,
      );
    });

    it('a weight over 100 names the member by its path', async () => {
      const [v1] = await publish(1);
      const error = await rejection(createAlias('PROD', [{ stateMachineVersionArn: v1, weight: 101 }]));
      expect(error.message).toBe(
        "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100",
      );
    });

    it('an all-digit alias name is a ValidationException', async () => {
      const [v1] = await publish(1);
      const error = await rejection(createAlias('123', [{ stateMachineVersionArn: v1, weight: 100 }]));
      expect(error).toBeInstanceOf(ValidationException);
    });

    it('a route to a version that does not exist is ResourceNotFound', async () => {
      const error = await rejection(createAlias('PROD', [{ stateMachineVersionArn: `${machine}:9`, weight: 100 }]));
      expect(error).toBeInstanceOf(ResourceNotFound);
    });

    it('updating nothing is MissingRequiredParameter; an unknown alias is ResourceNotFound', async () => {
      const missing = await rejection(
        h.client.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${machine}:PROD` })),
      );
      expect(missing).toBeInstanceOf(MissingRequiredParameter);
      const unknown = await rejection(
        h.client.send(
          new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${machine}:PROD`, description: 'x' }),
        ),
      );
      expect(unknown).toBeInstanceOf(ResourceNotFound);
    });
  });

  describe('tags', () => {
    it('tags given at creation are listed; TagResource adds and UntagResource removes', async () => {
      await h.client.send(
        new TagResourceCommand({
          resourceArn: machine,
          tags: [
            { key: 'env', value: 'prod' },
            { key: 'team', value: 'b' },
          ],
        }),
      );
      let output = await h.client.send(new ListTagsForResourceCommand({ resourceArn: machine }));
      expect(output.tags).toHaveLength(2);
      expect(output.tags).toEqual(
        expect.arrayContaining([
          { key: 'team', value: 'b' },
          { key: 'env', value: 'prod' },
        ]),
      );
      await h.client.send(new UntagResourceCommand({ resourceArn: machine, tagKeys: ['team'] }));
      output = await h.client.send(new ListTagsForResourceCommand({ resourceArn: machine }));
      expect(output.tags).toEqual([{ key: 'env', value: 'prod' }]);
    });

    it('an unknown resource is ResourceNotFound', async () => {
      const arn = `${ARN_PREFIX}:stateMachine:nope`;
      const error = await rejection(h.client.send(new ListTagsForResourceCommand({ resourceArn: arn })));
      expect(error).toBeInstanceOf(ResourceNotFound);
      expect(error.message).toBe(`Resource not found: '${arn}'`);
      expect(await rejection(h.client.send(new TagResourceCommand({ resourceArn: arn, tags: [] })))).toBeInstanceOf(
        ResourceNotFound,
      );
      expect(
        await rejection(h.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [] }))),
      ).toBeInstanceOf(ResourceNotFound);
    });
  });
});
