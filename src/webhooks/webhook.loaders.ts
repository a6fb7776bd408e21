import { defineLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { WebhookDelivery } from './webhook.entity';

/** A webhook's deliveries, newest event first: one windowed statement for all the webhooks of a page. */
export const deliveryPages = defineLoader('webhookDeliveryPages', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(WebhookDelivery, 'd'),
    parentProperty: 'webhookId',
    sort: { property: 'sequence', direction: SortDirection.DESC },
  }, page));
