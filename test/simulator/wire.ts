/** Shapes of the simulator's JSON answers, as the tests read them back. */

export interface ChatJson {
  id: string
  model: string
  object: string
  choices: {
    message: { content: string; reasoning_content?: string }
    finish_reason: string
  }[]
  usage: {
    prompt_tokens: number
    completion_tokens: number
    total_tokens: number
    completion_tokens_details?: { reasoning_tokens: number }
  }
}

export interface ErrorJson {
  error: { message: string; type: string; code: number; param: null }
}

export interface ModelsJson {
  data: { id: string; owned_by: string }[]
}

export interface RequestsJson {
  data: {
    seq: number
    path: string
    body: string
    json: { model?: string } | null
    headers: Record<string, string>
  }[]
}

export interface BehavioursJson {
  models: Record<string, { outputTokens: number; running: number; waiting: number }>
}

export async function readJson<T>(res: Response): Promise<T> {
  return (await res.json()) as T
}
