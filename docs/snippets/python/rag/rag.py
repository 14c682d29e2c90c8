# --8<-- [start:index]
import re
from mullama import Model, Context, ContextParams, dot_product

handbook = """
Our office opens at 8:30 and closes at 18:00 on weekdays. On Saturdays it is open from 10:00 to 14:00.
Expense reports are due by the fifth working day of the following month. Receipts must be attached as PDF.
New employees get a laptop on their first day. Lost laptops must be reported to IT within 24 hours.
The cafeteria serves lunch from 12:00 to 14:00. Vegetarian and vegan meals are available every day.
Parking permits are issued by the front desk. Visitors park in the spaces marked with a V.
"""

# 1. Chunk: one sentence a chunk is enough for a handbook this size
chunks = [s.strip() for s in re.split(r"(?<=\.)\s+", handbook) if s.strip()]

# 2. Embed every chunk once, as unit vectors so a dot product is the cosine similarity
model = Model.load("./all-minilm.gguf")
context = Context(model, ContextParams(embeddings=True, normalize=True))
index = [(text, e.data) for text, e in zip(chunks, context.get_embedding_batch(chunks))]
# --8<-- [end:index]


# --8<-- [start:retrieve]
# 3. Retrieve: the chunks closest to the question
def retrieve(question: str, k: int = 2) -> list[str]:
    q = context.get_embedding(question).data
    ranked = sorted(index, key=lambda chunk: dot_product(q, chunk[1]), reverse=True)
    return [text for text, _ in ranked[:k]]


# 4. Augment: put them in the prompt you send to your LLM
question = "When can I get lunch?"
retrieved = "\n".join(f"- {text}" for text in retrieve(question))
prompt = f"""Answer from the context only.

Context:
{retrieved}

Question: {question}"""
print(prompt)
# --8<-- [end:retrieve]

assert len(chunks) == 10
assert "lunch" in retrieve(question)[0]
assert "Lost laptops" in retrieve("I lost my laptop, what do I do?", 1)[0]
