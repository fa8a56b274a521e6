import { z } from 'zod'

/** Per-object permission levels, each including the ones before it. */
export const PermissionLevel = z.enum(['READ', 'EDIT', 'MANAGE'])
export type PermissionLevel = z.infer<typeof PermissionLevel>

/** The default for objects a user has no explicit grant on: a level, or NONE. */
export const DefaultPermission = z.enum(['NONE', 'READ', 'EDIT', 'MANAGE'])
export type DefaultPermission = z.infer<typeof DefaultPermission>

/** Kinds of objects that carry permissions. */
export const PermissionObjectType = z.enum(['experiment', 'registered_model', 'dataset'])
export type PermissionObjectType = z.infer<typeof PermissionObjectType>

export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'may contain letters, digits and _ . @ - (starting with a letter or digit)')

export const Password = z.string().min(8, 'must be at least 8 characters').max(256)

export const User = z.object({
  id: z.string(),
  username: z.string(),
  isAdmin: z.boolean(),
  isDisabled: z.boolean(),
  createdAtMs: z.number().int(),
})
export type User = z.infer<typeof User>

export const CreateUserBody = z.object({ username: Username, password: Password, isAdmin: z.boolean().default(false) })
export type CreateUserBody = z.input<typeof CreateUserBody>

export const UpdateUserBody = z.object({
  isDisabled: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  password: Password.optional(),
})
export type UpdateUserBody = z.infer<typeof UpdateUserBody>

export const UserParams = z.object({ username: Username })
export const UserResponse = z.object({ user: User })
export const ListUsersResponse = z.object({ users: z.array(User) })

export const TokenName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.@:-]+$/, 'may contain letters, digits and _ . @ : -')

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  createdAtMs: z.number().int(),
  expiresAtMs: z.number().int().nullable(),
  revokedAtMs: z.number().int().nullable(),
})
export type ApiToken = z.infer<typeof ApiToken>

export const CreateTokenBody = z.object({
  name: TokenName,
  /** Lifetime in days; without it the token does not expire. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
})
export type CreateTokenBody = z.infer<typeof CreateTokenBody>

/** The only answer that ever contains the token itself. */
export const CreatedTokenResponse = z.object({ token: z.string(), apiToken: ApiToken })
export type CreatedTokenResponse = z.infer<typeof CreatedTokenResponse>

export const ListTokensResponse = z.object({ tokens: z.array(ApiToken) })
export const TokenParams = z.object({ tokenId: z.string().regex(/^\d{1,18}$/) })

export const LoginBody = z.object({ username: Username, password: z.string().min(1).max(256) })
export type LoginBody = z.infer<typeof LoginBody>

export const WhoAmIResponse = z.object({
  kind: z.enum(['local-admin', 'user', 'anonymous']),
  username: z.string().nullable(),
  isAdmin: z.boolean(),
  isAuthEnabled: z.boolean(),
})
export type WhoAmIResponse = z.infer<typeof WhoAmIResponse>

export const Permission = z.object({
  objectType: PermissionObjectType,
  objectId: z.string(),
  username: z.string(),
  level: PermissionLevel,
})
export type Permission = z.infer<typeof Permission>

export const PermissionParams = z.object({
  objectType: PermissionObjectType,
  objectId: z.string().min(1).max(256),
})
export const GrantPermissionBody = z.object({ username: Username, level: PermissionLevel })
export type GrantPermissionBody = z.infer<typeof GrantPermissionBody>
export const RevokePermissionParams = PermissionParams.extend({ username: Username })
export const ListPermissionsResponse = z.object({ permissions: z.array(Permission) })
