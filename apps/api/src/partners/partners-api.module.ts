import { Module } from '@nestjs/common';
import { PartnersModule } from '../../../../libs/partners/src/partners.module';
import { PartnersController } from './partners.controller';

@Module({
  imports: [PartnersModule],
  controllers: [PartnersController],
})
export class PartnersApiModule {}
