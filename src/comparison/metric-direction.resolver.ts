import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role';
import { callerOf } from '../audit/record';
import type { Context } from '../context';
import { Model } from '../model/model.entity';
import { MetricDirection } from './metric-direction.entity';
import { ClearMetricDirectionArgs, SetMetricDirectionArgs } from './metric-direction.inputs';
import { directionsOfModel } from './metric-direction.loaders';

@Resolver(() => Model)
export class MetricDirectionResolver {
  @Authorized(Role.APPROVER)
  @Mutation(() => Model, { description: 'Whether a higher value of a metric key is better for this model\'s versions (overrides the name-based default in compareVersions)' })
  setMetricDirection(@Ctx() ctx: Context, @Args() { modelId, key, higherIsBetter }: SetMetricDirectionArgs): Promise<Model> {
    return ctx.services.metricDirections.set(modelId, key, higherIsBetter, callerOf(ctx));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Model, { description: 'Back to the name-based direction for this key (a no-op when the model has none of its own)' })
  clearMetricDirection(@Ctx() ctx: Context, @Args() { modelId, key }: ClearMetricDirectionArgs): Promise<Model> {
    return ctx.services.metricDirections.clear(modelId, key, callerOf(ctx));
  }

  @FieldResolver(() => [MetricDirection], { description: 'Metric directions set for this model (setMetricDirection), by key; other keys follow their name' })
  metricDirections(@Root() model: Model, @Ctx() ctx: Context): Promise<MetricDirection[]> {
    return ctx.loaders.get(directionsOfModel).load(model.id);
  }
}
