import { Module } from '@nestjs/common';
import { CatalogModule } from '../../../../libs/catalog/src/catalog.module';
import { CatalogController } from './catalog.controller';

/** Catalog, prices and promotions over HTTP; CatalogModule also seeds the starter catalog at start. */
@Module({
  imports: [CatalogModule.forRoot()],
  controllers: [CatalogController],
})
export class CatalogApiModule {}
