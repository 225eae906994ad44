// The slice of the IAM policy language sagezero writes: Allow statements with actions, resource ARN
// patterns and a few condition operators.

export type ConditionOperator = 'StringEquals' | 'StringLike' | 'ArnLike' | 'ForAnyValue:StringEquals';

export type ConditionBlock = Partial<Record<ConditionOperator, Record<string, string | string[]>>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  /** ARN patterns (`*` and `?` wildcards), or `["*"]` where the actions have no resource-level permissions. */
  Resource: string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A statement and the reason it exists, in the words a reviewer of the policy needs. */
export interface ExplainedStatement {
  statement: PolicyStatement;
  why: string;
}
