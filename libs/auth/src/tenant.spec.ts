import { DomainError } from '../../core/src';
import { assertSameTenant, canAccessTenant, isOperator, tenantScope } from './tenant';

const partner = { userId: 'u1', tenantId: 'tenant-a', roles: ['admin-agent'] };
const operator = { userId: 'op', tenantId: 'operator', roles: ['operator'] };

describe('tenant scoping', () => {
  it('R-TENANT-1: another tenant\'s resource answers not-found', () => {
    expect(() => assertSameTenant(partner, 'tenant-b', 'customer', 'c1')).toThrow(DomainError);
    try {
      assertSameTenant(partner, 'tenant-b', 'customer', 'c1');
    } catch (error) {
      expect((error as DomainError).kind).toBe('not-found');
    }
    expect(() => assertSameTenant(partner, 'tenant-a', 'customer', 'c1')).not.toThrow();
  });

  it('the operator sees every tenant', () => {
    expect(isOperator(operator)).toBe(true);
    expect(canAccessTenant(operator, 'tenant-b')).toBe(true);
    expect(tenantScope(operator)).toBeNull();
    expect(tenantScope(partner)).toBe('tenant-a');
  });

  it('the operator role outside the operator tenant is not the operator', () => {
    expect(isOperator({ ...partner, roles: ['operator'] })).toBe(false);
  });
});
