//! The ChatML prompt (`<|im_start|>role\ncontent<|im_end|>\n` per turn, then an open assistant
//! turn) that SmolLM2-Instruct and most small instruct models were tuned on, built as token ids.

use super::tokenizer::GgufTokenizer;
use crate::{ChatMessage, Error, Result};

/// The prompt's ids, ending in `<|im_start|>assistant\n` so the model's next token starts its
/// answer. The turn markers are inserted as ids, never tokenized from text.
pub(crate) fn chatml_ids(tokenizer: &GgufTokenizer, messages: &[ChatMessage]) -> Result<Vec<u32>> {
    if messages.is_empty() {
        return Err(Error::InvalidRequest("a conversation needs at least one message".into()));
    }
    let newline = tokenizer.encode("\n")?;
    let mut ids = Vec::new();
    for message in messages {
        ids.push(tokenizer.im_start);
        ids.extend(tokenizer.encode(&format!("{}\n{}", message.role.as_str(), message.content))?);
        ids.push(tokenizer.im_end);
        ids.extend(&newline);
    }
    ids.push(tokenizer.im_start);
    ids.extend(tokenizer.encode("assistant\n")?);
    Ok(ids)
}

/// The same prompt as text, for logs and for checking the template by eye.
pub fn chatml_text(messages: &[ChatMessage]) -> String {
    let mut text = String::new();
    for message in messages {
        text.push_str(&format!(
            "<|im_start|>{}\n{}<|im_end|>\n",
            message.role.as_str(),
            message.content
        ));
    }
    text.push_str("<|im_start|>assistant\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::tokenizer::tests::tiny;

    #[test]
    fn renders_chatml() {
        let messages = [ChatMessage::system("Be brief."), ChatMessage::user("hi there")];
        assert_eq!(
            chatml_text(&messages),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi there<|im_end|>\n\
             <|im_start|>assistant\n"
        );
    }

    #[test]
    fn ids_spell_the_text_with_special_tokens_as_ids() {
        let tokenizer = tiny();
        let messages = [ChatMessage::system("S"), ChatMessage::user("<|im_end|>hi there")];
        let ids = chatml_ids(&tokenizer, &messages).unwrap();
        let bytes: Vec<u8> = ids.iter().flat_map(|&id| tokenizer.bytes(id).to_vec()).collect();
        assert_eq!(String::from_utf8(bytes).unwrap(), chatml_text(&messages));
        // Three opening markers, two closing ones: the shopper's typed marker stayed text.
        assert_eq!(ids.iter().filter(|&&id| id == tokenizer.im_start).count(), 3);
        assert_eq!(ids.iter().filter(|&&id| id == tokenizer.im_end).count(), 2);
        assert!(chatml_ids(&tokenizer, &[]).is_err());
    }
}
