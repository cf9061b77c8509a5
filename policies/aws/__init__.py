"""AWS knowledge the built-in packs share (no policies here; each pack keeps what only it
uses in its own `_`-prefixed modules, and provider-neutral helpers are `plangate.helpers`).

- `iam_documents`: policy documents parsed into statements, unknown parts `Opaque`;
- `iam_matching`: IAM wildcards and ARN templates with parts unknown at plan time;
- `iam_evaluation`: may these actions be taken on these resources (`evaluate`, `Grant`);
- `managed_policies`: AWS managed policies as data, with their sources;
- `policy_documents`: the documents an attribute holds, however the configuration
  writes them;
- `compute`: the application's compute types, their roles and configuration;
- `roles`: which roles an attribute names;
- `role_policies`: the policies attached to a role, with their documents;
- `trust_policies`: what a role's trust policy lets assume it;
- `principals`: the roles the application runs as (compute, trust, role chaining);
- `id_links`: which resources an id-valued attribute names;
- `security_groups`: the ingress rules of a security group and the ports they admit;
- `subnets`: whether a subnet is public, by its routes.

Whether a finding is new is the engine's to say (`plangate.novelty`, stamped by the
runner); a policy sets `new` itself only when its finding depends on more than one
resource and attribute, with `plangate.helpers.is_new`.
"""
