function createPageHTML(_nPageCount,_nCurrIndex,_sPageName,_sPageExt){
  if(_nPageCount==null||_nPageCount<=1){return;}
  for(var i=0;i<_nPageCount;i++){var n=(i==0)?_sPageName+'.'+_sPageExt:_sPageName+'_'+i+'.'+_sPageExt;
    if(i==_nCurrIndex){document.write('<span>'+(i+1)+'</span> ');}
    else{document.write('<a href="'+n+'">'+(i+1)+'</a> ');}}
}
