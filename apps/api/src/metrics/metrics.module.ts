import { Module } from '@nestjs/common';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';

@Module({ providers: [HttpMetrics], controllers: [MetricsController], exports: [HttpMetrics] })
export class MetricsModule {}
