//! Reading the files a person chooses or drops, as bytes. What the bytes
//! mean (UTF-8, line endings, size limits) is the model's business.

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::FileList;

/// A file as chosen: its name, its size in bytes and a handle to read it.
pub struct ChosenFile {
    pub name: String,
    pub size: usize,
    file: web_sys::File,
}

impl ChosenFile {
    /// Reads the whole file.
    pub async fn bytes(&self) -> Result<Vec<u8>, String> {
        let buffer = JsFuture::from(self.file.array_buffer())
            .await
            .map_err(|e| format!("the browser could not read it ({e:?})"))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}

/// The files of a file input or a drop, in the order given.
pub fn chosen(files: Option<FileList>) -> Vec<ChosenFile> {
    let Some(files) = files else {
        return Vec::new();
    };
    (0..files.length())
        .filter_map(|i| files.get(i))
        .map(|file| ChosenFile {
            name: file.name(),
            size: file.size() as usize,
            file,
        })
        .collect()
}
