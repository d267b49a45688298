// Embind's runtime as the module uses it: registrations of built-in types no binding takes are
// no-ops, so the glue's converters for them (and the helpers only they call) are left out.
mergeInto(LibraryManager.library, {
  // std::wstring, std::u16string, std::u32string: UTF-16 and UTF-32 converters.
  _embind_register_std_wstring__deps: [],
  _embind_register_std_wstring: function() {},
});
