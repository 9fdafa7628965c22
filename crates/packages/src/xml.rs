//! A small XML writer: elements opened and closed in order, attributes and text escaped. The
//! packages' XML is written, never parsed, here.

use kho_model::text::xml_escape;

pub(crate) struct Xml {
    out: String,
    open: Vec<&'static str>,
    /// Indentation of the outermost element: a fragment continues a document written before.
    base: usize,
}

impl Xml {
    pub(crate) fn new() -> Xml {
        Xml { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), open: vec![], base: 0 }
    }

    /// A piece of a document streamed in pieces, written `depth` elements deep.
    pub(crate) fn fragment(depth: usize) -> Xml {
        Xml { out: String::new(), open: vec![], base: depth }
    }

    fn indent(&self) -> String {
        "  ".repeat(self.base + self.open.len())
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push_str(&self.indent());
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push_str(&format!(" {key}=\"{}\"", xml_escape(value)));
        }
    }

    /// `<name attrs>` … until `close`.
    pub(crate) fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Xml {
        self.start(name, attrs);
        self.out.push_str(">\n");
        self.open.push(name);
        self
    }

    pub(crate) fn close(&mut self) -> &mut Xml {
        let name = self.open.pop().expect("an open element");
        self.out.push_str(&self.indent());
        self.out.push_str(&format!("</{name}>\n"));
        self
    }

    /// `<name attrs/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Xml {
        self.start(name, attrs);
        self.out.push_str("/>\n");
        self
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Xml {
        self.start(name, attrs);
        self.out.push_str(&format!(">{}</{name}>\n", xml_escape(text)));
        self
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        assert!(self.open.is_empty(), "unclosed {:?}", self.open);
        self.out.into_bytes()
    }

    /// What is written so far, elements left open for the pieces that follow to close.
    pub(crate) fn finish_open(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}
