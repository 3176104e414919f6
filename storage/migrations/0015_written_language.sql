-- the language (script) a person last wrote in, when it was clear: what they are told in when they chose none
ALTER TABLE conversations ADD COLUMN written_language text;
