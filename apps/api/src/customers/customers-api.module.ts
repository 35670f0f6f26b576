import { Module } from '@nestjs/common';
import { CustomersModule } from '../../../../libs/customers/src/customers.module';
import { CustomersController, RelationshipRequestsController } from './customers.controller';

@Module({
  imports: [CustomersModule],
  controllers: [CustomersController, RelationshipRequestsController],
})
export class CustomersApiModule {}
